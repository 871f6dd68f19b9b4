"""Recovery remedies (cold, heat, movement, rest...) and when to use them."""
