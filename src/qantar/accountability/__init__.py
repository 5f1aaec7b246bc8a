"""qantar.accountability"""
