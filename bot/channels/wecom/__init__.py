"""The WeCom (企业微信) self-built app channel: callbacks in, the server API out, group robots for pushes."""
