"""随手拍 / 意见箱: numbered tickets from anyone, routed to the responsible unit and tracked to a rating."""
