"""qantar.names"""
