"""The district's web office over the kiosk's request store, and the anonymised question log that feeds its
barometer. Importing this package loads no web framework: the kiosk writes the question log without one.
"""
