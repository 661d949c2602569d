"""Label paragraphs of your own corpus in a local browser page, the least certain first."""
