"""The runtime: live content, centre directory and quiz bank (swapped together on reload),
and the services that combine core rules with storage. Channels call these."""
