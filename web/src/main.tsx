import { render } from 'preact';
import { App } from './app.js';
import { followLink } from './lib/route.js';
import './styles.css';

document.addEventListener('click', followLink);
render(<App />, document.getElementById('app') as HTMLElement);
