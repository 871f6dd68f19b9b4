"""Search across the catalogue: the index that follows every write, queries, ranking, snippets."""
