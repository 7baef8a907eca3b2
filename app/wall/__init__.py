"""The video wall (`gridwatch wall`): a full-screen window per monitor, following the shared wall state."""
