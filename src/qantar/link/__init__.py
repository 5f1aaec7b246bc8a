"""qantar.link"""
