// Names a recipe gives a meaning to, in a module of their own: code that only needs a name
// (model resolution at `kiln up`) then loads none of the recipe schema (zod).

/** The model reference that means "the default of models/config.json, or the app's default model". */
export const DEFAULT_MODEL_REF = 'default';
