"""qantar.estimate"""
