-- PostgreSQL mirror of migrations/0910_index_generation.sql, deliberately empty: the saved search
-- index is for a single SQLite process; on PostgreSQL each process follows the others' writes
-- through index_sync.py, and with no index_generation row no saved index is ever used.
SELECT 1;
