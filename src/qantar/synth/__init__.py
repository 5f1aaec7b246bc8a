"""qantar.synth"""
