"""Speech in (recognizers, intents) and speech out (piper, prompt cache)."""
