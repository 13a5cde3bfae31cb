// Zod compiles fast parsers with `new Function` when it may; kiln web's CSP forbids eval, and
// even zod's probe for it would log a CSP violation. Imported first by main.tsx.
import { z } from 'zod';

z.config({ jitless: true });
