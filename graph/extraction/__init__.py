"""The pieces of extraction: dates, statutes, names, offices, quotes, letters and events."""
