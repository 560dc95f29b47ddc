import { parentPort, workerData } from 'node:worker_threads';
parentPort!.postMessage({ doubled: (workerData as { n: number }).n * 2 });
