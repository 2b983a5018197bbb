"""Search as readers type it: the query syntax, each backend's query text, highlights."""
