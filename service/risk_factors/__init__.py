"""Risk factors: history and circumstances that make back pain more worrying, and by how much."""
