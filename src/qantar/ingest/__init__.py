"""qantar.ingest"""
