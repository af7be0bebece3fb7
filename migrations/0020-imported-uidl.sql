-- Postern store schema (issue 16 item 1, RFC 1939 §7): the POP3 unique-id a message had on the server it was
-- imported from (`postern import`: Dovecot's dovecot-uidlist P field or its pop3_uidl_format), so that POP3
-- clients download nothing again. NULL for every message delivered or appended here: UIDL then serves
-- <uidvalidity>.<uid> (src/pop3/maildrop.ts). Never edit once released.

ALTER TABLE messages ADD COLUMN pop3_uidl TEXT;
