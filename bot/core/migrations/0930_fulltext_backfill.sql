-- /search's tables may be written after start-up instead of during it (core/fulltext_backfill.py).
-- fts_state.upto is the last uid the FTS tables hold; the triggers index only rows at or below it,
-- and rows above it wait for the backfill. The maximum integer means every row is indexed.
-- A backfilled row's own fts_chars column stays '': the backfill writes terms_chars directly, and
-- every write that changes a row's text sets fts_chars again (store.term_values).
CREATE TABLE fts_state (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    upto INTEGER NOT NULL
);
INSERT INTO fts_state (id, upto) VALUES (0, 9223372036854775807);

DROP TRIGGER terms_fts_insert;
CREATE TRIGGER terms_fts_insert AFTER INSERT ON terms
WHEN new.uid <= (SELECT upto FROM fts_state)
BEGIN
    INSERT INTO terms_fts (rowid, name, aliases, summary, body)
        VALUES (new.uid, new.term || ' ' || new.en, new.aliases, new.summary, new.definition || ' ' || new.example);
    INSERT INTO terms_chars (rowid, chars) VALUES (new.uid, new.fts_chars);
END;

DROP TRIGGER terms_fts_update;
CREATE TRIGGER terms_fts_update AFTER UPDATE OF term, en, aliases, summary, definition, example, fts_chars ON terms
BEGIN
    DELETE FROM terms_fts WHERE rowid = old.uid;
    DELETE FROM terms_chars WHERE rowid = old.uid;
    INSERT INTO terms_fts (rowid, name, aliases, summary, body)
        SELECT new.uid, new.term || ' ' || new.en, new.aliases, new.summary, new.definition || ' ' || new.example
        WHERE new.uid <= (SELECT upto FROM fts_state);
    INSERT INTO terms_chars (rowid, chars)
        SELECT new.uid, new.fts_chars WHERE new.uid <= (SELECT upto FROM fts_state);
END;
