"""Media: pictures of how to do each movement, their renditions, and where they are stored."""
