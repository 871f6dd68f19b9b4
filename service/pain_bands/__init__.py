"""Pain bands: the 0-10 pain level in the public words mild, moderate and severe."""
