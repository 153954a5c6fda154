"""Personal WeChat (Wechaty): one-time binding codes that link a WeChat contact to a person on the roster."""
