"""qantar.web"""
