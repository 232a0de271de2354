-- Full-text search (/search) over every term's name, aliases, summary, definition and example.
-- Two FTS5 tables: trigram for queries of 3+ characters (Chinese has no spaces to split words on),
-- and one character per token (fts_chars, written with each term) for 1–2 character queries.
-- Triggers keep both in the same transaction as every write to `terms`.
ALTER TABLE terms ADD COLUMN fts_chars TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE terms_fts USING fts5(name, aliases, summary, body, tokenize = 'trigram');
CREATE VIRTUAL TABLE terms_chars USING fts5(chars, tokenize = 'unicode61');

INSERT INTO terms_fts (rowid, name, aliases, summary, body)
    SELECT uid, term || ' ' || en, aliases, summary, definition || ' ' || example FROM terms;
INSERT INTO terms_chars (rowid, chars) SELECT uid, fts_chars FROM terms;

CREATE TRIGGER terms_fts_insert AFTER INSERT ON terms BEGIN
    INSERT INTO terms_fts (rowid, name, aliases, summary, body)
        VALUES (new.uid, new.term || ' ' || new.en, new.aliases, new.summary, new.definition || ' ' || new.example);
    INSERT INTO terms_chars (rowid, chars) VALUES (new.uid, new.fts_chars);
END;

CREATE TRIGGER terms_fts_delete AFTER DELETE ON terms BEGIN
    DELETE FROM terms_fts WHERE rowid = old.uid;
    DELETE FROM terms_chars WHERE rowid = old.uid;
END;

CREATE TRIGGER terms_fts_update AFTER UPDATE OF term, en, aliases, summary, definition, example, fts_chars ON terms
BEGIN
    DELETE FROM terms_fts WHERE rowid = old.uid;
    DELETE FROM terms_chars WHERE rowid = old.uid;
    INSERT INTO terms_fts (rowid, name, aliases, summary, body)
        VALUES (new.uid, new.term || ' ' || new.en, new.aliases, new.summary, new.definition || ' ' || new.example);
    INSERT INTO terms_chars (rowid, chars) VALUES (new.uid, new.fts_chars);
END;
