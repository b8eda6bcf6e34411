console.log('bench suite');
