// Placeholder: replaced by the test environment setup (Docker engine, images).
export default async function setup(): Promise<void> {}
