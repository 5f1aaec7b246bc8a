"""qantar.publish"""
