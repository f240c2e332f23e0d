-- Link targets were stored as typed, so a target with non-ASCII or control
-- characters went raw into the Location header, which Node refuses: the link
-- answered 5xx on every visit. New targets are stored WHATWG-serialised
-- (percent-encoded); this brings older rows to an equivalent ASCII form:
-- tab, CR and LF removed and C0 controls and spaces trimmed at the ends (as a
-- URL parser does), every other byte outside printable ASCII percent-encoded
-- as UTF-8. A percent-encoded host parses to its punycode form.
CREATE FUNCTION "pg_temp"."hop_ascii_url"(raw text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(
    CASE WHEN c ~ '^[\x21-\x7e]$' THEN c
         ELSE regexp_replace(upper(encode(convert_to(c, 'UTF8'), 'hex')), '(..)', '%\1', 'g') END,
    '' ORDER BY i), '')
  FROM regexp_split_to_table(
    regexp_replace(regexp_replace(raw, '[\t\r\n]', '', 'g'), '^[\x01-\x20]+|[\x01-\x20]+$', '', 'g'),
    '') WITH ORDINALITY AS chars(c, i)
$$;

UPDATE "Link" SET "url" = "pg_temp"."hop_ascii_url"("url") WHERE "url" ~ '[^\x21-\x7e]';
UPDATE "Link" SET "expiredUrl" = "pg_temp"."hop_ascii_url"("expiredUrl") WHERE "expiredUrl" ~ '[^\x21-\x7e]';
UPDATE "Link" SET "imageUrl" = "pg_temp"."hop_ascii_url"("imageUrl") WHERE "imageUrl" ~ '[^\x21-\x7e]';
