// Covariance kernels (filled in by the linear-algebra work).
