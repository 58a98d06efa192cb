// As create-t3-app's env.js, without its validation.
export const env = { NODE_ENV: process.env.NODE_ENV ?? 'development' };
