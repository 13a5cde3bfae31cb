// The recipe format v0: schemas, validation, hashing. Start with schema.ts; the spec is docs/recipe-format.md.
export * from './schema';
export * from './problems';
export * from './paths';
export * from './json-location';
export * from './validate';
export * from './hash';
export * from './check';
export * from './limits';
export * from './file-list';
