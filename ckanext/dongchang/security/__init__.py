"""Request-level defences that hold for every view and action, core ones included."""
