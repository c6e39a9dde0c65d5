// `npm start`: builds the web UI when it is missing, then runs the compiled server (built first when
// its sources changed), all in this one process: a second npm (`npm run start -w`) would add its own
// start-up, about half a second of CPU, to every start.
import './ensure-web-build.mjs';

await import('../packages/server/bin/start.js');
