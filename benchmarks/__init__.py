"""Scripts that print footstretch's measured figures, and the audio they are measured on."""
