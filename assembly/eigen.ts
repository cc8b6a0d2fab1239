// Symmetric eigen-solver (filled in by the linear-algebra work).
