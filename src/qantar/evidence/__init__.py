"""qantar.evidence"""
