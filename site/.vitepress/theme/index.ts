// The default theme, plus the site's own components (registered globally so
// every Markdown page can use them) and styles.

import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import HowChecked from './components/HowChecked.vue';
import StepRef from './components/StepRef.vue';
import Diagram from './components/Diagram.vue';
import ErrnoTable from './components/ErrnoTable.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('HowChecked', HowChecked);
    app.component('StepRef', StepRef);
    app.component('Diagram', Diagram);
    app.component('ErrnoTable', ErrnoTable);
  },
};

export default theme;
