/** The benchmark goals, in the order a full run measures them (`npm run bench -- --list`). */
import type { Goal } from '../lib/goal.js';
import { batch } from './batch.js';
import { counts } from './counts.js';
import { dashboard } from './dashboard.js';
import { exportGoal } from './export.js';
import { pages } from './pages.js';
import { post } from './post.js';
import { prune } from './prune.js';
import { startup } from './startup.js';

export const GOALS: Goal[] = [startup, post, pages, counts, batch, exportGoal, prune, dashboard];
