"""The conversation: session state, intent routing, and the manager that turns a visitor turn into events.

UI-free and model-free: the language model and the other services come in through ``protocols``; the kiosk's
composition root (`kiosk.root.Kiosk`) hands them in.
"""
