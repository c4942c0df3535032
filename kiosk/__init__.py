"""西小服 (Xi Xiao Fu): an offline enterprise-service kiosk."""

from kiosk.privacy import install_log_redaction

__version__ = "0.1.0"

# Whatever any part of the kiosk logs, in any of its processes, carries no visitor's numbers or names.
install_log_redaction()
