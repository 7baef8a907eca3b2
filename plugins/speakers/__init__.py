"""Loudspeakers: G.711 over RTP, the audio sources that feed a call, and the speaker drivers."""
