"""The Discord-free core: terms, normalisation, search, storage, loading, daily picks."""
