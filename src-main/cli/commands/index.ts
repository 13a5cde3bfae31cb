// Every kiln command, in the order `kiln --help` lists them.
import type { Command } from '../command';
import { agentsInstall } from './agents';
import { attach } from './attach';
import { doctor } from './doctor';
import { exec } from './exec';
import { modelsLs, modelsPull } from './models';
import { imageBuild } from './image';
import { RECIPE_COMMANDS } from './recipe';
import { down, ls, rm, status, up } from './sessions';
import { checkpoint, checkpoints, timeline, undo, verify } from './timeline';
import { web } from './web';

export const COMMANDS: readonly Command[] = [
  doctor, imageBuild, up, ls, status, attach, exec, timeline, checkpoints, checkpoint, undo, verify, down, rm, web, modelsLs, modelsPull, agentsInstall, ...RECIPE_COMMANDS,
];
