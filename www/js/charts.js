// Chart.js, for the screens that draw charts. Kept out of lib.js so that only
// those screens (loaded on demand by the router) download it.
import { Chart, registerables } from '../vendor/chart.js/chart.js';

Chart.register(...registerables);

export { Chart };
