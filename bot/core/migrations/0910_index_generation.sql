-- A counter every write to what the search index holds moves on (terms, hidden shipped terms),
-- so a saved index is reused at start-up only while it still matches the database.
-- database_id tells this database from another one later created at the same path.
INSERT INTO meta (key, value) VALUES ('index_generation', '0') ON CONFLICT (key) DO NOTHING;
INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16)))) ON CONFLICT (key) DO NOTHING;

CREATE TRIGGER terms_index_gen_insert AFTER INSERT ON terms BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
END;
CREATE TRIGGER terms_index_gen_update AFTER UPDATE ON terms BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
END;
CREATE TRIGGER terms_index_gen_delete AFTER DELETE ON terms BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
END;
CREATE TRIGGER hidden_index_gen_insert AFTER INSERT ON hidden_terms BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
END;
CREATE TRIGGER hidden_index_gen_delete AFTER DELETE ON hidden_terms BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation';
END;
