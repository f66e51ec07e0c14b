// The site section every image and loop-device message points to.
export const TROUBLESHOOTING = '/steps/02-mount#troubleshooting';
