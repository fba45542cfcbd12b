"""footstretch: an offline bedside voice coach for six foot stretches."""

__version__ = "0.1.0"
