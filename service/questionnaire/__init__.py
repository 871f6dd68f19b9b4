"""The intake questionnaire: the questions every front end asks, built from the content."""
