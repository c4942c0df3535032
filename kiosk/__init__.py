"""西小服 (Xi Xiao Fu): an offline enterprise-service kiosk."""

__version__ = "0.1.0"
